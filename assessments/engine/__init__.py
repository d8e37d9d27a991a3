"""The assessment engine: pure Python rules that turn inventory facts into readiness, tech debt, complexity,
6R recommendations, sizing and migration waves. No Django import: the backend fills the dataclasses of
``facts`` from the database and stores what the engine returns."""
