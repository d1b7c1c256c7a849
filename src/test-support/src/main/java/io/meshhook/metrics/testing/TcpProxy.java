package io.meshhook.metrics.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy between a function and PostgreSQL that a test can make behave like a database restart (every open
 * connection is cut with a reset, new connections are refused until {@link #accept()}) or a network partition
 * (nothing gets through, nobody is told, until {@link #heal()}).
 * Plain blocking sockets, two daemon threads a connection: a test opens a handful of connections.
 */
public final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress upstream;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;
    private volatile boolean closed;
    private volatile boolean silent;

    private TcpProxy(InetSocketAddress upstream, ServerSocket listener) {
        this.upstream = upstream;
        this.listener = listener;
        this.port = listener.getLocalPort();
        acceptInBackground(listener);
    }

    /** Starts a proxy on a free port of 127.0.0.1 forwarding to the upstream host and port. */
    public static TcpProxy start(String upstreamHost, int upstreamPort) {
        return new TcpProxy(new InetSocketAddress(upstreamHost, upstreamPort), bind(0));
    }

    public int port() {
        return port;
    }

    /** Connections currently forwarded. */
    public int connections() {
        return open.size() / 2;
    }

    /** The database goes down: the port is closed (connects are refused) and every connection is reset. */
    public synchronized void refuse() {
        ServerSocket current = listener;
        listener = null;
        if (current != null) {
            closeQuietly(current);
        }
        dropAll();
    }

    /** The database is back: connections are accepted (and forwarded) again on the same port. */
    public synchronized void accept() {
        if (listener == null && !closed) {
            listener = bind(port);
            acceptInBackground(listener);
        }
    }

    /**
     * A network partition: connections stay open and new ones are accepted, but no byte gets through in either
     * direction, and nobody is told (no reset, no FIN).
     */
    public void silence() {
        silent = true;
    }

    /** The partition heals: what was open through it is reset (its bytes were lost), new connections work. */
    public void heal() {
        silent = false;
        dropAll();
    }

    /** Resets every forwarded connection, on both sides, as a crashed server or a broken link would. */
    public void dropAll() {
        for (Socket socket : open) {
            try {
                socket.setSoLinger(true, 0); // RST, not an orderly FIN
            } catch (IOException ignored) {
                // already gone
            }
            closeQuietly(socket);
        }
        open.clear();
    }

    @Override
    public synchronized void close() {
        closed = true;
        refuse();
    }

    private static ServerSocket bind(int port) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
            return socket;
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on port " + port, e);
        }
    }

    private void acceptInBackground(ServerSocket server) {
        daemon("tcp-proxy-accept-" + port, () -> {
            while (!server.isClosed()) {
                try {
                    forward(server.accept());
                } catch (IOException e) {
                    return; // the listener was closed: refusing
                }
            }
        });
    }

    private void forward(Socket client) {
        Socket server = new Socket();
        try {
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
            server.connect(upstream, 5_000);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(server);
            return;
        }
        open.add(client);
        open.add(server);
        daemon("tcp-proxy-up", () -> pump(client, server));
        daemon("tcp-proxy-down", () -> pump(server, client));
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16_384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0;) {
                if (!silent) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException ignored) {
            // one side went away; the other is closed below
        } finally {
            open.remove(from);
            open.remove(to);
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing is best effort
        }
    }
}
