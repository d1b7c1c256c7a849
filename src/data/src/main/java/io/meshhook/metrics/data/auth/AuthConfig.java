package io.meshhook.metrics.data.auth;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How callers are authenticated: Supabase JWTs, verified with the project's secret or its JWKS. */
@ConfigMapping(prefix = "run-metrics.auth")
public interface AuthConfig {

    /** The Supabase project's JWT secret (HS256). Used when no {@link #jwksUrl()} is set. */
    Optional<String> jwtSecret();

    /** A JWKS URL with the asymmetric keys (RS256 or ES256) that sign the tokens; wins over the secret. */
    Optional<String> jwksUrl();

    /** The expected {@code iss} claim; any issuer when unset. */
    Optional<String> issuer();

    /**
     * Accepted {@code aud} values. A token that carries an audience must name one of them; a token without one is
     * accepted only for the service role, because Supabase's service-role key has no {@code aud}.
     */
    @WithDefault("authenticated")
    List<String> audiences();

    /** The {@code role} claim that marks the service (the engine, the evaluator). */
    @WithDefault("service_role")
    String serviceRole();

    /** Tolerated clock difference when checking {@code exp}, {@code nbf} and {@code iat}. */
    @WithDefault("30s")
    Duration clockSkew();

    /** Path prefixes that need a token; everything else (health, the page's static files) is public. */
    List<String> protectedPaths();

    /** Who may call the protected paths of this function. */
    CallerKind requiredCaller();

    /** The kinds of caller a function can require. */
    enum CallerKind {
        /** The MeshHook engine or another system component holding the service-role JWT. */
        SERVICE,
        /** A signed-in MeshHook user holding a Supabase access token. */
        USER
    }
}
