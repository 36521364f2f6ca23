"""The pain-system model (spinal gate) and the synthetic-client simulator."""
