"""Recommending interaction forms for a need, with reasons."""
