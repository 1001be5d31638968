"""The recruiter side's accounts: organisations, users, roles, tokens, API keys."""
