"""The organiser's side of a matchmaking session: slots, scheduler runs, review and publication."""
