"""The portal's public REST API (/api/v1/), its tokens and webhooks.

It stands above the domain apps (mous, matchmaking, events, institutions, core) and below
``portal``: it reads through their selectors and writes only through their services, so every
call meets the same permission rules as the pages.
"""
