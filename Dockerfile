# Build s2pg with the Swift toolchain, ship it on a slim Debian with only the two C client libraries.
FROM swift:6.3-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libmariadb-dev libpq-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources Sources
COPY Plugins Plugins
COPY migrations migrations
COPY Tests Tests
RUN swift build -c release --product s2pg --static-swift-stdlib \
    && cp "$(swift build -c release --show-bin-path)/s2pg" /usr/local/bin/s2pg

FROM debian:bookworm-slim
# curl: for the compose file's healthcheck on /readyz.
RUN apt-get update && apt-get install -y --no-install-recommends libmariadb3 libpq5 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/local/bin/s2pg /usr/local/bin/s2pg
USER nobody
ENTRYPOINT ["/usr/local/bin/s2pg"]
CMD ["--help"]
