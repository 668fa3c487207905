-- The freshness benchmark's table and its writer: 100,000 rows, and a procedure that changes `rate` rows
-- a second for `seconds` seconds, paced by the clock (every 10 ms, the rows due by then), each statement
-- committed on its own, stamping `written_at` with the moment it ran (SYSDATE, not the statement's start),
-- in UTC.
DROP TABLE IF EXISTS fresh;
CREATE TABLE fresh (
  id         BIGINT NOT NULL PRIMARY KEY,
  v          INT NOT NULL,
  note       VARCHAR(60) NOT NULL,
  written_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  KEY idx_fresh_updated_at (updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO fresh SELECT seq, 0, CONCAT('row ', seq, ' ', MD5(seq)), UTC_TIMESTAMP(6) - INTERVAL 1 HOUR, UTC_TIMESTAMP(6) - INTERVAL 1 HOUR
FROM seq_1_to_100000;

DROP PROCEDURE IF EXISTS write_load;
DELIMITER //
CREATE PROCEDURE write_load(rate INT, seconds INT)
BEGIN
  DECLARE started DATETIME(6) DEFAULT SYSDATE(6);
  DECLARE written BIGINT DEFAULT 0;
  DECLARE due BIGINT;
  DECLARE first BIGINT DEFAULT 1;
  SET time_zone = '+00:00';
  WHILE TIMESTAMPDIFF(MICROSECOND, started, SYSDATE(6)) < seconds * 1000000 DO
    SET due = FLOOR(rate * TIMESTAMPDIFF(MICROSECOND, started, SYSDATE(6)) / 1000000) - written;
    IF due > 0 THEN
      UPDATE fresh SET v = v + 1, written_at = SYSDATE(6), updated_at = SYSDATE(6) WHERE id BETWEEN first AND first + due - 1;
      SET written = written + due;
      SET first = IF(first + 2 * due > 100000, 1, first + due);
    END IF;
    DO SLEEP(0.01);
  END WHILE;
END //
DELIMITER ;
