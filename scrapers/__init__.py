"""Scrapy glue: settings, items, pipelines, middlewares, extensions, the portal registry,
CMS adapters and article extraction. The only package that bridges Scrapy and archive/."""
