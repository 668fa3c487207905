-- A small sample shop for the demo: tables of every kind s2pg meets.
-- Idempotent: drops and recreates its tables. Uses MariaDB's Sequence engine (seq_1_to_N) for rows.
DROP TABLE IF EXISTS customers, orders, products, page_views, `order`;

-- Incremental: primary key + updated_at.
CREATE TABLE customers (
  id         INT NOT NULL PRIMARY KEY,
  name       VARCHAR(100) NOT NULL,
  email      VARCHAR(200) NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  KEY idx_customers_updated_at (updated_at)
);
INSERT INTO customers
SELECT seq, CONCAT('Customer ', seq), IF(seq % 10 = 0, NULL, CONCAT('c', seq, '@example.com')),
       TIMESTAMP('2025-10-01') + INTERVAL seq MINUTE, TIMESTAMP('2025-10-01') + INTERVAL seq MINUTE
FROM seq_1_to_1000;

-- Incremental, with the awkward values a mirror must carry.
CREATE TABLE orders (
  id          BIGINT NOT NULL PRIMARY KEY,
  customer_id INT NOT NULL,
  status      ENUM('pending', 'paid', 'shipped') NOT NULL,
  amount      DECIMAL(12, 2) NOT NULL,
  note        TEXT NULL,
  payload     JSON NULL,
  updated_at  DATETIME(6) NOT NULL,
  KEY idx_orders_updated_at (updated_at)
);
INSERT INTO orders
SELECT seq, 1 + seq % 1000, ELT(1 + seq % 3, 'pending', 'paid', 'shipped'), (seq % 10000) / 100,
       CASE seq % 4 WHEN 0 THEN NULL WHEN 1 THEN CONCAT('tab\there ', seq) WHEN 2 THEN 'café 日本 🎉' ELSE '' END,
       JSON_OBJECT('sku', CONCAT('SKU-', seq % 50), 'gift', seq % 7 = 0),
       TIMESTAMP('2025-10-01') + INTERVAL (seq * 7) MINUTE
FROM seq_1_to_5000;

-- Full: no updated_at column.
CREATE TABLE products (
  sku   VARCHAR(20) NOT NULL PRIMARY KEY,
  title VARCHAR(200) NOT NULL,
  price DECIMAL(10, 2) NOT NULL
);
INSERT INTO products SELECT CONCAT('SKU-', seq), CONCAT('Product ', seq), seq * 1.25 FROM seq_0_to_49;

-- Keyless, with duplicate rows.
CREATE TABLE page_views (
  path      VARCHAR(200) NOT NULL,
  viewed_at DATETIME NOT NULL
);
INSERT INTO page_views SELECT CONCAT('/p/', seq % 20), TIMESTAMP('2025-10-01') + INTERVAL (seq % 100) HOUR FROM seq_1_to_2000;

-- A reserved word as a table name.
CREATE TABLE `order` (
  `group`    INT NOT NULL PRIMARY KEY,
  `select`   VARCHAR(20) NULL,
  updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
);
INSERT INTO `order` (`group`, `select`) SELECT seq, CONCAT('choice ', seq) FROM seq_1_to_10;
