"""The monitoring server's compose stack and the app servers' agents."""
