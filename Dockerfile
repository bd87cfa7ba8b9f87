# syntax=docker/dockerfile:1
# Build stage: the Maven wrapper fetches Maven and the dependencies; tests run in CI, not in the image build.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src src
RUN ./mvnw -B -ntp -q package -DskipTests

# Run stage: a JRE, a non-root user, conf/ as the config. The embedded Postgres needs glibc and a writable
# data directory (the volume); point storage.url at a real server in production.
FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && groupadd --system switchboard && useradd --system --gid switchboard --home /app switchboard
WORKDIR /app
COPY --from=build /src/target/switchboard.jar /app/switchboard.jar
COPY conf /app/conf
RUN mkdir -p /app/data && chown -R switchboard:switchboard /app
USER switchboard
VOLUME ["/app/data"]
# A container is reached through its published port, so it listens on every interface. No secret is baked in:
# conf/config.yaml holds only public placeholders, which the router refuses off loopback, so it starts only once
# the real ones come from the environment (WHATSAPP_WEBHOOK_VERIFY_TOKEN, WHATSAPP_APP_SECRET,
# D360_WEBHOOK_BASIC_USER/PASS, SWITCHBOARD_ADMIN_API_KEYS) or a mounted config file.
ENV SWITCHBOARD_HTTP_HOST=0.0.0.0
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/switchboard.jar", "--config", "/app/conf/config.yaml"]
