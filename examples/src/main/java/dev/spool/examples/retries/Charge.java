package dev.spool.examples.retries;

/** The arguments of a charge job: which order, and how much. */
public record Charge(String orderId, long cents) {}
