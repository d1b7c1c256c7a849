package io.meshhook.metrics.api.alerts;

import java.security.SecureRandom;
import java.util.Base64;

/** Webhook signing secrets in the Standard Webhooks form: {@code whsec_} and base64 of 24 random bytes. */
final class WebhookSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSecrets() {
    }

    static String generate() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return "whsec_" + Base64.getEncoder().encodeToString(bytes);
    }
}
