"""Follow-ups after meetings: the steps after a matchmaking session, answers, flags and outcomes."""
