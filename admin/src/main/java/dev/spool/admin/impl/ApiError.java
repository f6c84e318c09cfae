package dev.spool.admin.impl;

/** A request the API refuses, with the HTTP status to answer (400, 401, 404, 409...). */
final class ApiError extends RuntimeException {

  final int status;

  ApiError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, message);
  }

  static ApiError notFound(String message) {
    return new ApiError(404, message);
  }
}
