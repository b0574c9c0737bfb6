#include "server/request_authenticator.h"

#include "app/account_service.h"
#include "auth/secret_token.h"
#include "base/status_macros.h"

namespace hearth {
namespace {

constexpr std::string_view kBearer = "Bearer ";

std::string_view Trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

bool ChangesState(const httplib::Request& request) {
  return request.method != "GET" && request.method != "HEAD";
}

}  // namespace

std::string RequestCookie(const httplib::Request& request, std::string_view name) {
  const size_t headers = request.get_header_value_count("Cookie");
  for (size_t i = 0; i < headers; ++i) {
    const std::string header = request.get_header_value("Cookie", "", i);
    std::string_view rest = header;
    while (!rest.empty()) {
      const size_t end = rest.find(';');
      const std::string_view pair = Trim(rest.substr(0, end));
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      const size_t equals = pair.find('=');
      if (equals != std::string_view::npos && Trim(pair.substr(0, equals)) == name) {
        return std::string(Trim(pair.substr(equals + 1)));
      }
    }
  }
  return "";
}

RequestAuthenticator::RequestAuthenticator(AccountService* accounts) : accounts_(accounts) {}

bool RequestAuthenticator::MultiUser() {
  if (accounts_ == nullptr) return false;
  if (multi_user_.load(std::memory_order_relaxed)) return true;
  StatusOr<bool> multi = accounts_->MultiUser();
  // When the database cannot say, assume users exist: refuse rather than admit.
  const bool on = !multi.ok() || *multi;
  if (multi.ok() && *multi) multi_user_.store(true, std::memory_order_relaxed);
  return on;
}

StatusOr<Principal> RequestAuthenticator::Authenticate(const httplib::Request& request) {
  // Single-user mode has no users, so no credential could be valid: like
  // Ollama, it ignores what clients send (OpenAI clients always send a key).
  if (!MultiUser()) {
    Principal owner;
    owner.kind = Principal::Kind::kLocalOwner;
    return owner;
  }
  const std::string authorization = request.get_header_value("Authorization");
  const std::string session = RequestCookie(request, kSessionCookie);
  if (!authorization.empty()) {
    if (!authorization.starts_with(kBearer)) {
      return UnauthenticatedError("the Authorization header must be \"Bearer <API key>\"");
    }
    return accounts_->AuthenticateKey(Trim(std::string_view(authorization).substr(kBearer.size())));
  }
  if (!session.empty()) {
    ASSIGN_OR_RETURN(SessionPrincipal signed_in, accounts_->AuthenticateSession(session));
    if (ChangesState(request)) {
      const std::string csrf = request.get_header_value(kCsrfHeader);
      if (csrf.empty() || !SecretEquals(HashSecretToken(csrf), signed_in.csrf_token_hash)) {
        return PermissionDeniedError(std::string("this request changes something and needs the "
                                                 "session's CSRF token in the ") +
                                     kCsrfHeader + " header");
      }
    }
    return std::move(signed_in.principal);
  }
  return Principal{};  // anonymous
}

StatusOr<int64_t> RequestAuthenticator::SessionId(const httplib::Request& request) {
  const std::string session = RequestCookie(request, kSessionCookie);
  if (accounts_ == nullptr || session.empty()) return UnauthenticatedError("not signed in");
  ASSIGN_OR_RETURN(SessionPrincipal signed_in, accounts_->AuthenticateSession(session));
  return signed_in.session_id;
}

}  // namespace hearth
