"""Analysis over priced usage: comparisons across channels, hidden costs, recommendations."""
