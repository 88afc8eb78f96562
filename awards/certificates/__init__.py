"""Award certificates (لوح تقدیر): PDF rendering with WeasyPrint."""
