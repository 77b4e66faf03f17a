"""Placing accepted meetings into (slot, table): a pure function of its input, no database."""
