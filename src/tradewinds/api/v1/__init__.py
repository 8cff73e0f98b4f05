"""Version 1 of the HTTP API: one router module per resource group."""
