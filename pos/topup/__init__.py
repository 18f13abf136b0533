"""The top-up itself: sent through the distributor, its outcome in the ledger, the float.

- `gateway`: the port (send, query by reference, balance), plain answers, and the one table
  that maps every aggregator's statuses to ours.
- `manual`, `http`: the adapters (the clerk types the operator's code; an aggregator's JSON API).
- `service`: the flow over a `Shop` (outcome entries, refunds, pending list, reconciler).
- `floats`: distributor float (restocks, consumption at cost, per-operator figures, slips).
"""
