"""The network edge: polite, conditional, bounded HTTP fetching of the docs site."""
