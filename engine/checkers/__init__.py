"""Checkers, one module per kind of evidence: `symbolic` (SymPy proofs) and `numeric`
(random instances). `engine.check.check_relation` decides which runs when."""
