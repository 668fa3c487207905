-- Run once by the SingleStore dev image when its container is first created.
CREATE DATABASE IF NOT EXISTS shop;
