"""Review of escalated and low-confidence conversations: redacted copies, annotations, statistics, retention."""
