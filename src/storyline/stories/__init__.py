"""The story stage: reprints, events, stories, summaries and timelines."""
