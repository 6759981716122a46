"""Pages of the value chains: selection (chains, scores, ranking, weights), the diagnostic
(sections that save on their own, the chain map, review) and the deliverable (PDF, Excel)."""
