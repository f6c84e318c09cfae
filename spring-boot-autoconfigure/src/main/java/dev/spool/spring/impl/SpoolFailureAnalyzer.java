package dev.spool.spring.impl;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** The startup failure report of a Spool property or handler bean that cannot be used: what, where, what to do. */
public final class SpoolFailureAnalyzer extends AbstractFailureAnalyzer<SpoolPropertiesException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, SpoolPropertiesException cause) {
    return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
  }
}
