"""Script-driven pages rendered in headless chromium (scrapy-playwright), the way Browsertrix does."""
