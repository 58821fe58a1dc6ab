"""Scrapy spiders. `portal` crawls every entity of a quarter in one process."""
