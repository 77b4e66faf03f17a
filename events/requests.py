"""Meeting requests at matchmaking sessions: sending, answering, expiry and the daily digest."""
