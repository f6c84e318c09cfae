package dev.spool.examples.transaction;

/** The arguments of the receipt job: the order that was placed. */
public record OrderPlaced(long orderId, String customer, long totalCents) {}
