"""Test and measurement helpers that ship with the app: the simulated Anthropic API and the
conversation bill built on it. Nothing in the request path imports this package."""
