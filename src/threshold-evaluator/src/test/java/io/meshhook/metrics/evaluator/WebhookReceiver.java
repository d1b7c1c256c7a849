package io.meshhook.metrics.evaluator;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;

/** A real HTTP server receiving webhooks and Slack posts; answers each path with the status a test sets. */
final class WebhookReceiver {

    /** One request as received. */
    record Received(String path, Map<String, String> headers, String body) {
    }

    private static WebhookReceiver instance;

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> hanging = new ConcurrentHashMap<>();

    private WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = new ConcurrentHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values.get(0)));
            String path = exchange.getRequestURI().getPath();
            received.add(new Received(path, headers, new String(body, StandardCharsets.UTF_8)));
            CountDownLatch hang = hanging.get(path);
            if (hang != null) {
                try {
                    hang.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int status = statuses.getOrDefault(path, 204);
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        // a thread per request, so that a hanging path holds up no other
        server.setExecutor(Executors.newCachedThreadPool(work -> {
            Thread thread = new Thread(work, "webhook-receiver");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    static synchronized WebhookReceiver get() {
        if (instance == null) {
            try {
                instance = new WebhookReceiver();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return instance;
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    void answer(String path, int status) {
        statuses.put(path, status);
    }

    /** Requests to this path are received but not answered (the connection stays open) until {@link #reset()}. */
    void hang(String path) {
        hanging.put(path, new CountDownLatch(1));
    }

    List<Received> at(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    void reset() {
        hanging.values().forEach(CountDownLatch::countDown);
        hanging.clear();
        received.clear();
        statuses.clear();
    }
}
