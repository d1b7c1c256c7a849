package io.meshhook.metrics.evaluator;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A real SMTP server (GreenMail) on a free port, which tests can stop and start again to play an outage. */
public class MailResource implements QuarkusTestResourceLifecycleManager {

    private static volatile GreenMail smtp;
    private static volatile ServerSetup setup;

    @Override
    public Map<String, String> start() {
        setup = new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        smtp = new GreenMail(setup);
        smtp.start();
        return Map.of("quarkus.mailer.mock", "false", "quarkus.mailer.host", "127.0.0.1",
                "quarkus.mailer.port", Integer.toString(setup.getPort()), "quarkus.mailer.start-tls", "DISABLED",
                "quarkus.mailer.from", "alerts@meshhook.test");
    }

    @Override
    public void stop() {
        if (smtp != null) {
            smtp.stop();
        }
    }

    /** The running server (the one receiving now). */
    public static GreenMail smtp() {
        return smtp;
    }

    /** Takes the SMTP server down: connections are refused. */
    public static void down() {
        smtp.stop();
    }

    /** Brings a fresh SMTP server up on the same port. */
    public static void up() {
        smtp = new GreenMail(setup);
        smtp.start();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
