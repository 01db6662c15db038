"""Analysis: sentences, entities with titles, quotes with speakers, and dates, on a spaCy parse."""
