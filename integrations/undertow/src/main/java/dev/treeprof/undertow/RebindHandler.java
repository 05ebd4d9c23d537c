package dev.treeprof.undertow;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Objects;

/** {@link ProfilerHandler#rebind(HttpHandler)}: binds the exchange's profile, if any, around the next handler. */
final class RebindHandler implements HttpHandler {

    private final HttpHandler next;

    RebindHandler(HttpHandler next) {
        this.next = Objects.requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        ExchangeProfile profile = ExchangeProfile.of(exchange);
        if (profile == null) {
            next.handleRequest(exchange);
        } else {
            profile.handleAgain(next, exchange);
        }
    }

    @Override
    public String toString() {
        return "treeprof rebind(" + next + ")";
    }
}
