"""The story stage: events, stories, their summaries and timelines."""
