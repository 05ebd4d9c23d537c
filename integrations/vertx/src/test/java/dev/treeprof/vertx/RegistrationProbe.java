package dev.treeprof.vertx;

import dev.treeprof.web.ProfilerOptions;
import dev.treeprof.web.RequestProfile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run in a fresh JVM by {@link RegistrationTimingTest}: builds the {@code Vertx} first, as
 * applications do, and only then touches treeprof (the {@link ProfilerHandler}); serves
 * interleaved requests that continue in workers and timers; prints what it found.
 */
public final class RegistrationProbe {

    private static final int REQUESTS = 30;

    private RegistrationProbe() {
    }

    public static void main(String[] args) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2));
        int code = 1;
        try {
            code = run(vertx);
        } finally {
            Support.await(vertx.close());
        }
        System.exit(code);
    }

    private static int run(Vertx vertx) {
        ProfilerHandler profiler = ProfilerHandler.create(ProfilerOptions.builder().noOutput().build());
        AtomicInteger slot = new AtomicInteger();
        AtomicInteger map = new AtomicInteger();
        Router router = Router.router(vertx);
        router.route().handler(profiler);
        Support.markerRoute(vertx, router,
                () -> (ContextProfilers.usesSlot(Vertx.currentContext()) ? slot : map).incrementAndGet());
        int port = Support.listen(vertx, router);
        HttpClientAgent http = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(REQUESTS));
        List<Future<String>> all = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            all.add(http.request(HttpMethod.GET, port, "127.0.0.1", "/m/" + i).compose(r -> r.send())
                    .compose(r -> r.body().map(Object::toString)));
        }
        int good = 0;
        for (int i = 0; i < REQUESTS; i++) {
            Support.await(all.get(i));
        }
        for (RequestProfile p : Support.profiles(profiler.recent(), REQUESTS)) {
            String id = p.request().path().substring(3);
            if (Support.names(p.stats()).equals(Set.of("handler-" + id, "worker-" + id, "timer-" + id))) {
                good++;
            } else {
                System.out.println("wrong scopes for " + id + ": " + Support.names(p.stats()));
            }
        }
        System.out.println("probe: slot=" + slot.get() + " map=" + map.get() + " good=" + good + "/" + REQUESTS
                + " fallbackLeft=" + ContextProfilers.fallbackSize() + " bound=" + ContextProfilers.bound());
        return good == REQUESTS ? 0 : 1;
    }
}
