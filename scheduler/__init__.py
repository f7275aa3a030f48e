"""Short periodic ticks (APScheduler) that act on what the database says is due."""
