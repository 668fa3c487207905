-- The benchmark table of the performance issue: BIGINT key, INT, VARCHAR, DECIMAL, INT, a ~60-character
-- note (some with tab, newline, backslash, non-ASCII; 5% NULL), a small JSON payload (2% NULL),
-- DATETIME(6) created_at and an indexed DATETIME(6) updated_at, TINYINT(1). Deterministic: row n is the
-- same on every run. __ROWS__ is replaced by the row count; rows come from MariaDB's Sequence engine.
DROP TABLE IF EXISTS orders;
CREATE TABLE orders (
  id          BIGINT NOT NULL PRIMARY KEY,
  customer_id INT NOT NULL,
  status      VARCHAR(20) NOT NULL,
  amount      DECIMAL(12,2) NOT NULL,
  qty         INT NOT NULL,
  note        TEXT NULL,
  payload     JSON NULL,
  created_at  DATETIME(6) NOT NULL,
  updated_at  DATETIME(6) NOT NULL,
  flag        TINYINT(1) NOT NULL DEFAULT 0,
  KEY idx_orders_updated_at (updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

SET SESSION unique_checks = 0;
INSERT INTO orders
SELECT n,
       1 + CRC32(n) % 100000,
       ELT(1 + n % 5, 'pending', 'paid', 'shipped', 'delivered', 'cancelled'),
       (CRC32(CONCAT('amount', n)) % 10000000) / 100,
       1 + n % 10,
       IF(n % 20 = 0, NULL,
          CONCAT('Order ', n, ' note ', MD5(n),
                 ELT(1 + n % 500, '\ttab', '\nnewline', ' back\\slash', ' café ü 日本', ' thanks', ' thanks', ' thanks',
                     ' thanks', ' thanks', ' thanks'))),
       IF(n % 50 = 0, NULL,
          JSON_OBJECT('sku', CONCAT('SKU-', n % 5000), 'channel', ELT(1 + n % 3, 'web', 'app', 'pos'),
                      'items', 1 + n % 7, 'gift', n % 9 = 0)),
       TIMESTAMP('2025-09-01') + INTERVAL n SECOND,
       TIMESTAMP('2025-10-01') + INTERVAL (CRC32(CONCAT('u', n)) % 2592000) SECOND + INTERVAL (n % 1000000) MICROSECOND,
       n % 3 = 0
FROM (SELECT seq AS n FROM seq_1_to___ROWS__) s;
ANALYZE TABLE orders;
