package io.meshhook.metrics.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real HTTP server publishing a JWKS with one RSA key, for functions configured with a JWKS URL as Supabase
 * projects with asymmetric signing keys are; signs RS256 tokens with that key (or with a stranger's).
 */
public class JwksServer implements QuarkusTestResourceLifecycleManager {

    /** The key id the server publishes. */
    public static final String KEY_ID = "test-key-1";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KeyPair TRUSTED = newKeyPair();
    private static final KeyPair STRANGER = newKeyPair();

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        byte[] jwks = jwks().getBytes(StandardCharsets.UTF_8);
        server.createContext("/.well-known/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(jwks);
            }
        });
        server.start();
        return Map.of("run-metrics.auth.jwks-url",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** An RS256 token signed with the published key. */
    public static String signTrusted(Map<String, Object> claims) {
        return sign(claims, KEY_ID, TRUSTED.getPrivate());
    }

    /** An RS256 token signed with a key the server does not publish, under the published key id. */
    public static String signStranger(Map<String, Object> claims) {
        return sign(claims, KEY_ID, STRANGER.getPrivate());
    }

    /**
     * An HS256 token whose HMAC key is the published public key's encoding: the classic algorithm-confusion attack
     * on verifiers that let the token choose the algorithm.
     */
    public static String signConfused(Map<String, Object> claims) {
        String encodedKey = Base64.getEncoder().encodeToString(TRUSTED.getPublic().getEncoded());
        return TestTokens.sign(claims, encodedKey);
    }

    private static String sign(Map<String, Object> claims, String kid, PrivateKey key) {
        try {
            String unsigned = encode(Map.of("alg", "RS256", "typ", "JWT", "kid", kid)) + "." + encode(claims);
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(unsigned.getBytes(StandardCharsets.US_ASCII));
            return unsigned + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String jwks() {
        RSAPublicKey key = (RSAPublicKey) TRUSTED.getPublic();
        try {
            return JSON.writeValueAsString(Map.of("keys", new Object[]{Map.of("kty", "RSA", "kid", KEY_ID, "use",
                    "sig", "alg", "RS256", "n", unsigned(key.getModulus()), "e", unsigned(key.getPublicExponent()))}));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        int skip = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(java.util.Arrays.copyOfRange(bytes, skip, bytes.length));
    }

    private static String encode(Map<String, Object> value) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
