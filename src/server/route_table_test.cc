#include "server/route_table.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "server/request_authenticator.h"
#include "server/resource_resolver.h"
#include "server/route_specs.h"
#include "server/stream_recheck.h"

namespace hearth {
namespace {

TEST(RouteSpecsTest, EveryRouteIsListedOnceAndHasAMethodAndPattern) {
  std::set<std::string> seen;
  for (const RouteSpec& spec : AllRouteSpecs()) {
    EXPECT_FALSE(spec.method.empty());
    EXPECT_TRUE(spec.pattern.starts_with("/")) << spec.pattern;
    EXPECT_TRUE(seen.insert(std::string(spec.method) + " " + std::string(spec.pattern)).second)
        << spec.method << " " << spec.pattern << " is listed twice";
  }
  EXPECT_NE(FindRouteSpec("GET", "/api/v1/workspaces/:slug"), nullptr);
  EXPECT_EQ(FindRouteSpec("PUT", "/api/v1/workspaces/:slug"), nullptr);
}

TEST(RouteTableTest, ARouteWithoutASpecIsNotServedAndIsReported) {
  httplib::Server server;
  RequestAuthenticator authenticator(nullptr);
  ResourceResolver resolver(nullptr, nullptr, nullptr);
  RouteTable routes(server, authenticator, resolver);
  routes.Get("/health", [](const httplib::Request&, httplib::Response&) {});
  routes.Get("/not/in/the/table", [](const httplib::Request&, httplib::Response&) {});
  routes.Post("/health", [](const httplib::Request&, httplib::Response&) {});
  ASSERT_EQ(routes.unlisted().size(), 2u);
  EXPECT_EQ(routes.unlisted()[0], "GET /not/in/the/table");
  EXPECT_EQ(routes.unlisted()[1], "POST /health");
}

TEST(RequestCookieTest, FindsACookieAmongOthersAndAcrossHeaders) {
  httplib::Request request;
  request.set_header("Cookie", "theme=dark;  hearth_csrf=abc ; other=1");
  request.set_header("Cookie", "hearth_session=s3cr3t");
  EXPECT_EQ(RequestCookie(request, kSessionCookie), "s3cr3t");
  EXPECT_EQ(RequestCookie(request, kCsrfCookie), "abc");
  EXPECT_EQ(RequestCookie(request, "missing"), "");
  EXPECT_EQ(RequestCookie(request, "hearth"), "") << "a prefix of a name is not the name";
}

TEST(RequestAuthenticatorTest, WithoutAccountsEveryRequestIsTheLocalOwner) {
  RequestAuthenticator authenticator(nullptr);
  httplib::Request request;
  request.set_header("Authorization", "Bearer whatever-an-openai-client-sends");
  StatusOr<Principal> principal = authenticator.Authenticate(request);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->kind, Principal::Kind::kLocalOwner);
  EXPECT_FALSE(authenticator.MultiUser());
}

TEST(StreamRecheckTest, ChecksAtMostOncePerIntervalAndRemembersADenial) {
  int calls = 0;
  bool allowed = true;
  internal::StreamRecheck recheck(
      [&]() -> Status {
        ++calls;
        return allowed ? OkStatus() : UnauthenticatedError("revoked");
      },
      std::chrono::hours(1));
  EXPECT_TRUE(recheck.Check().ok());
  EXPECT_TRUE(recheck.Check().ok());
  EXPECT_EQ(calls, 1) << "the second check is within the interval";

  internal::StreamRecheck every_time(
      [&]() -> Status {
        ++calls;
        return allowed ? OkStatus() : UnauthenticatedError("revoked");
      },
      std::chrono::milliseconds(0));
  allowed = false;
  EXPECT_EQ(every_time.Check().code(), StatusCode::kUnauthenticated);
  allowed = true;
  EXPECT_EQ(every_time.Check().code(), StatusCode::kUnauthenticated) << "once denied, always";
}

}  // namespace
}  // namespace hearth
