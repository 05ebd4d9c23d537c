package io.vertx.core.impl;

/**
 * Compile-time stand-in for Vert.x 4.5's {@code io.vertx.core.impl.VertxBuilder}, the parameter
 * type of {@code VertxServiceProvider.init} in 4.x (Vert.x 5 has no such class). It lets
 * {@code TreeprofVertxServiceProvider} declare the 4.x {@code init} next to the 5.x one. Never
 * compiled into the jar: it is only on javac's source path, with {@code -implicit:none}.
 */
public class VertxBuilder {
}
