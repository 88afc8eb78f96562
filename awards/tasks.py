"""Every background task, imported in one place so the consumer (``huey_consumer awards.tasks.huey``) sees them."""

from awards.certificates.tasks import print_certificates
from awards.jobs import huey

__all__ = ["huey", "print_certificates"]
