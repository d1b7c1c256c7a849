package io.meshhook.metrics.api.query;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Opaque pagination cursors: the offset of the next page, signed together with the listing's filters. A cursor
 * that was tampered with, or that belongs to another listing, is refused; it never reaches SQL.
 */
@ApplicationScoped
class Cursors {

    private final byte[] secret;

    Cursors(@ConfigProperty(name = "run-metrics.cursor-secret") String secret) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    String next(MetricsQuery query, int offset) {
        String body = Integer.toString(offset);
        return body + "." + sign(body, query.listingKey());
    }

    /** The offset the cursor stands for, or -1 when it is not a valid cursor of this listing. */
    int offset(String cursor, MetricsQuery query) {
        int dot = cursor.indexOf('.');
        if (dot <= 0 || dot > 9) {
            return -1;
        }
        String body = cursor.substring(0, dot);
        if (!body.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        byte[] expected = sign(body, query.listingKey()).getBytes(StandardCharsets.US_ASCII);
        byte[] given = cursor.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given) ? Integer.parseInt(body) : -1;
    }

    private String sign(String body, String listing) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(listing.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
