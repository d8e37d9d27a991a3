"""The AI runtime: LLM configuration, crews with a deterministic fallback, and the log of LLM calls.

Importing this package never imports crewai (about 4 s and a lot of memory); crews import it lazily.
"""
