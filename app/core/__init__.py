"""Infrastructure shared by every feature: logging, metrics, health, storage, request guards."""
