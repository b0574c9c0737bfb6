#include "store/workspace_table.h"

#include <cmath>
#include <string>

#include "store/store_test_database.h"

namespace hearth {
namespace {

using namespace std::string_literals;

class WorkspaceTableTest : public StoreTest {
 protected:
  WorkspaceSettings Notes() { return {.name = "Notes", .embedder = "nomic-embed-text"}; }
  int64_t Count() { return QueryInt("SELECT count(*) FROM workspaces"); }
};

TEST_F(WorkspaceTableTest, CreateThenGetBySlugAndId) {
  WorkspaceTable table(db());
  auto id = table.Create("notes", Notes());
  ASSERT_TRUE(id.ok()) << id.status();
  auto by_slug = table.GetBySlug("notes");
  ASSERT_TRUE(by_slug.ok()) << by_slug.status();
  EXPECT_EQ(by_slug->id, *id);
  EXPECT_EQ(by_slug->settings.name, "Notes");
  EXPECT_EQ(by_slug->settings.embedder, "nomic-embed-text");
  EXPECT_EQ(by_slug->settings.chunk_tokens, 400);
  EXPECT_EQ(by_slug->settings.chunk_overlap_tokens, 60);
  EXPECT_EQ(by_slug->settings.vector_type, VectorType::kF16);
  EXPECT_GT(by_slug->created_at_ms, 1'600'000'000'000);
  auto by_id = table.Get(*id);
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->slug, "notes");
}

TEST_F(WorkspaceTableTest, ListIsOrderedBySlug) {
  WorkspaceTable table(db());
  ASSERT_TRUE(table.Create("zeta", Notes()).ok());
  ASSERT_TRUE(table.Create("alpha-2", Notes()).ok());
  auto rows = table.List();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].slug, "alpha-2");
  EXPECT_EQ((*rows)[1].slug, "zeta");
}

TEST_F(WorkspaceTableTest, DuplicateSlugIsAlreadyExistsAndKeepsTheFirst) {
  WorkspaceTable table(db());
  ASSERT_TRUE(table.Create("notes", Notes()).ok());
  WorkspaceSettings other = Notes();
  other.name = "Other";
  auto again = table.Create("notes", other);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(again.status().message().find("'notes'"), std::string::npos);
  EXPECT_EQ(Count(), 1);
  EXPECT_EQ(table.GetBySlug("notes")->settings.name, "Notes");
}

TEST_F(WorkspaceTableTest, BadSlugsAreRejectedAndNothingIsWritten) {
  WorkspaceTable table(db());
  for (const std::string& slug :
       {""s, "Notes"s, "a b"s, "a/b"s, "é"s, std::string(65, 'a'), "ab\0cd"s, "a_b"s}) {
    auto id = table.Create(slug, Notes());
    ASSERT_FALSE(id.ok()) << slug;
    EXPECT_EQ(id.status().code(), StatusCode::kInvalidArgument) << slug;
    EXPECT_NE(id.status().message().find("a-z, 0-9"), std::string::npos);
  }
  EXPECT_EQ(Count(), 0);
  EXPECT_TRUE(table.Create(std::string(64, 'a'), Notes()).ok());
  EXPECT_TRUE(table.Create("0-9", Notes()).ok());
}

TEST_F(WorkspaceTableTest, BadSettingsAreRejectedAndNothingIsWritten) {
  WorkspaceTable table(db());
  WorkspaceSettings no_name = Notes();
  no_name.name = "";
  WorkspaceSettings nul_name = Notes();
  nul_name.name = "a\0b"s;
  WorkspaceSettings overlap = Notes();
  overlap.chunk_overlap_tokens = overlap.chunk_tokens;
  WorkspaceSettings zero_tokens = Notes();
  zero_tokens.chunk_tokens = 0;
  WorkspaceSettings bad_utf8 = Notes();
  bad_utf8.embedder = "\xff";
  for (const WorkspaceSettings& settings : {no_name, nul_name, overlap, zero_tokens, bad_utf8}) {
    auto id = table.Create("notes", settings);
    ASSERT_FALSE(id.ok());
    EXPECT_EQ(id.status().code(), StatusCode::kInvalidArgument) << id.status();
  }
  EXPECT_EQ(Count(), 0);
}

TEST_F(WorkspaceTableTest, UpdateReplacesSettings) {
  WorkspaceTable table(db());
  auto id = table.Create("notes", Notes());
  ASSERT_TRUE(id.ok());
  WorkspaceSettings changed{.name = "Renamed", .embedder = "bge-m3", .chunk_tokens = 256,
                            .chunk_overlap_tokens = 0, .vector_type = VectorType::kI8};
  ASSERT_TRUE(table.Update(*id, changed).ok());
  auto row = table.Get(*id);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->settings.name, "Renamed");
  EXPECT_EQ(row->settings.embedder, "bge-m3");
  EXPECT_EQ(row->settings.chunk_tokens, 256);
  EXPECT_EQ(row->settings.chunk_overlap_tokens, 0);
  EXPECT_EQ(row->settings.vector_type, VectorType::kI8);
}

TEST_F(WorkspaceTableTest, BadUpdateChangesNothing) {
  WorkspaceTable table(db());
  auto id = table.Create("notes", Notes());
  ASSERT_TRUE(id.ok());
  WorkspaceSettings bad = Notes();
  bad.chunk_overlap_tokens = -1;
  EXPECT_EQ(table.Update(*id, bad).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(table.Get(*id)->settings.chunk_overlap_tokens, 60);
}

TEST_F(WorkspaceTableTest, NewWorkspacesGetTheDefaultChatSettings) {
  WorkspaceTable table(db());
  auto id = table.Create("notes", Notes());
  ASSERT_TRUE(id.ok());
  auto row = table.Get(*id);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->settings.chat_model, "");
  EXPECT_EQ(row->settings.reranker, "");
  EXPECT_EQ(row->settings.mode, ChatMode::kChat);
  EXPECT_EQ(row->settings.top_k, 6);
  EXPECT_EQ(row->settings.similarity_threshold, 0.0);
  EXPECT_EQ(row->settings.context_budget_tokens, 3000);
  EXPECT_DOUBLE_EQ(row->settings.temperature, 0.7);
  EXPECT_EQ(row->settings.system_prompt, kDefaultSystemPrompt);
  EXPECT_NE(row->settings.system_prompt.find("[n]"), std::string::npos);
  EXPECT_EQ(row->settings.history_messages, 20);
  EXPECT_EQ(row->settings.history_tokens, 2000);
  EXPECT_EQ(row->settings.refusal_text,
            "There is no relevant information in this workspace to answer your query.");
  EXPECT_EQ(row->settings.retention_days, 0);
  EXPECT_FALSE(row->settings.members_can_upload);
}

WorkspaceSettings EveryFieldChanged() {
  return {.name = "Chat",
          .embedder = "bge-m3",
          .chunk_tokens = 512,
          .chunk_overlap_tokens = 32,
          .vector_type = VectorType::kI8,
          .chat_model = "qwen3:4b",
          .reranker = "bge-reranker-v2-m3",
          .mode = ChatMode::kQuery,
          .top_k = 12,
          .similarity_threshold = 0.25,
          .context_budget_tokens = 8000,
          .temperature = 1.25,
          .system_prompt = "Answer in French. « Citez » [n].",
          .history_messages = 0,
          .history_tokens = 0,
          .refusal_text = "",
          .retention_days = 30,
          .members_can_upload = true};
}

void ExpectSameSettings(const WorkspaceSettings& got, const WorkspaceSettings& want) {
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.embedder, want.embedder);
  EXPECT_EQ(got.chunk_tokens, want.chunk_tokens);
  EXPECT_EQ(got.chunk_overlap_tokens, want.chunk_overlap_tokens);
  EXPECT_EQ(got.vector_type, want.vector_type);
  EXPECT_EQ(got.chat_model, want.chat_model);
  EXPECT_EQ(got.reranker, want.reranker);
  EXPECT_EQ(got.mode, want.mode);
  EXPECT_EQ(got.top_k, want.top_k);
  EXPECT_EQ(got.similarity_threshold, want.similarity_threshold);
  EXPECT_EQ(got.context_budget_tokens, want.context_budget_tokens);
  EXPECT_EQ(got.temperature, want.temperature);
  EXPECT_EQ(got.system_prompt, want.system_prompt);
  EXPECT_EQ(got.history_messages, want.history_messages);
  EXPECT_EQ(got.history_tokens, want.history_tokens);
  EXPECT_EQ(got.refusal_text, want.refusal_text);
  EXPECT_EQ(got.retention_days, want.retention_days);
  EXPECT_EQ(got.members_can_upload, want.members_can_upload);
}

TEST_F(WorkspaceTableTest, EveryChatSettingRoundTripsThroughCreateAndUpdate) {
  WorkspaceTable table(db());
  const WorkspaceSettings changed = EveryFieldChanged();
  auto created = table.Create("chat", changed);
  ASSERT_TRUE(created.ok()) << created.status();
  ExpectSameSettings(table.Get(*created)->settings, changed);
  auto plain = table.Create("plain", Notes());
  ASSERT_TRUE(plain.ok());
  ASSERT_TRUE(table.Update(*plain, changed).ok());
  ExpectSameSettings(table.Get(*plain)->settings, changed);
  ASSERT_TRUE(table.Update(*plain, Notes()).ok());
  ExpectSameSettings(table.Get(*plain)->settings, Notes());
}

TEST_F(WorkspaceTableTest, ChatModeNamesRoundTrip) {
  for (ChatMode mode : {ChatMode::kChat, ChatMode::kQuery}) {
    auto parsed = ParseChatMode(ChatModeName(mode));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, mode);
  }
  auto bad = ParseChatMode("Chat");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("\"chat\" or \"query\""), std::string::npos);
}

// One bound of one setting: `at_limit` is accepted, `past_limit` refused
// with a message naming `field`.
struct Bound {
  const char* field;
  void (*at_limit)(WorkspaceSettings&);
  void (*past_limit)(WorkspaceSettings&);
};

const Bound kBounds[] = {
    {"top_k", [](WorkspaceSettings& s) { s.top_k = 1; },
     [](WorkspaceSettings& s) { s.top_k = 0; }},
    {"top_k", [](WorkspaceSettings& s) { s.top_k = 100; },
     [](WorkspaceSettings& s) { s.top_k = 101; }},
    {"similarity_threshold", [](WorkspaceSettings& s) { s.similarity_threshold = 0.0; },
     [](WorkspaceSettings& s) { s.similarity_threshold = -0.001; }},
    {"similarity_threshold", [](WorkspaceSettings& s) { s.similarity_threshold = 1.0; },
     [](WorkspaceSettings& s) { s.similarity_threshold = 1.001; }},
    {"similarity_threshold", [](WorkspaceSettings& s) { s.similarity_threshold = 0.5; },
     [](WorkspaceSettings& s) { s.similarity_threshold = std::nan(""); }},
    {"context_budget_tokens", [](WorkspaceSettings& s) { s.context_budget_tokens = 100; },
     [](WorkspaceSettings& s) { s.context_budget_tokens = 99; }},
    {"context_budget_tokens", [](WorkspaceSettings& s) { s.context_budget_tokens = 131072; },
     [](WorkspaceSettings& s) { s.context_budget_tokens = 131073; }},
    {"temperature", [](WorkspaceSettings& s) { s.temperature = 0.0; },
     [](WorkspaceSettings& s) { s.temperature = -0.1; }},
    {"temperature", [](WorkspaceSettings& s) { s.temperature = 2.0; },
     [](WorkspaceSettings& s) { s.temperature = 2.01; }},
    {"history_messages", [](WorkspaceSettings& s) { s.history_messages = 0; },
     [](WorkspaceSettings& s) { s.history_messages = -1; }},
    {"history_messages", [](WorkspaceSettings& s) { s.history_messages = 1000; },
     [](WorkspaceSettings& s) { s.history_messages = 1001; }},
    {"history_tokens", [](WorkspaceSettings& s) { s.history_tokens = 0; },
     [](WorkspaceSettings& s) { s.history_tokens = -1; }},
    {"history_tokens", [](WorkspaceSettings& s) { s.history_tokens = 131072; },
     [](WorkspaceSettings& s) { s.history_tokens = 131073; }},
    {"retention_days", [](WorkspaceSettings& s) { s.retention_days = 0; },
     [](WorkspaceSettings& s) { s.retention_days = -1; }},
    {"retention_days", [](WorkspaceSettings& s) { s.retention_days = 36500; },
     [](WorkspaceSettings& s) { s.retention_days = 36501; }},
    {"chat_model", [](WorkspaceSettings& s) { s.chat_model = std::string(512, 'm'); },
     [](WorkspaceSettings& s) { s.chat_model = std::string(513, 'm'); }},
    {"reranker", [](WorkspaceSettings& s) { s.reranker = std::string(512, 'r'); },
     [](WorkspaceSettings& s) { s.reranker = "\xfe"; }},
    {"system_prompt", [](WorkspaceSettings& s) { s.system_prompt = std::string(65536, 'p'); },
     [](WorkspaceSettings& s) { s.system_prompt = std::string(65537, 'p'); }},
    {"refusal_text", [](WorkspaceSettings& s) { s.refusal_text = std::string(4096, 'n'); },
     [](WorkspaceSettings& s) { s.refusal_text = std::string(4097, 'n'); }},
};

TEST_F(WorkspaceTableTest, EachChatSettingIsAcceptedAtItsLimitAndRefusedPastIt) {
  WorkspaceTable table(db());
  auto id = table.Create("notes", Notes());
  ASSERT_TRUE(id.ok());
  int created = 0;
  for (const Bound& bound : kBounds) {
    WorkspaceSettings at = Notes();
    bound.at_limit(at);
    auto made = table.Create("ok-" + std::to_string(created++), at);
    EXPECT_TRUE(made.ok()) << bound.field << ": " << made.status();
    EXPECT_TRUE(table.Update(*id, at).ok()) << bound.field;

    WorkspaceSettings past = Notes();
    bound.past_limit(past);
    auto refused = table.Create("refused", past);
    ASSERT_FALSE(refused.ok()) << bound.field;
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(refused.status().message().find(bound.field), std::string::npos)
        << refused.status();
    Status updated = table.Update(*id, past);
    EXPECT_EQ(updated.code(), StatusCode::kInvalidArgument) << bound.field;
    ExpectSameSettings(table.Get(*id)->settings, at);  // the refused update wrote nothing
  }
  EXPECT_EQ(table.GetBySlug("refused").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Count(), 1 + created);
}

TEST_F(WorkspaceTableTest, RangeErrorsShowTheValueAndTheRange) {
  WorkspaceSettings settings = Notes();
  settings.temperature = 2.5;
  auto refused = WorkspaceTable(db()).Create("notes", settings);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(), "temperature 2.5 is outside 0..2");
  settings = Notes();
  settings.top_k = 0;
  refused = WorkspaceTable(db()).Create("notes", settings);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(), "top_k 0 is outside 1..100");
}

TEST_F(WorkspaceTableTest, UnknownIdsAreNotFound) {
  WorkspaceTable table(db());
  ASSERT_TRUE(table.Create("notes", Notes()).ok());
  EXPECT_EQ(table.Get(999).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(table.GetBySlug("nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(table.Update(999, Notes()).code(), StatusCode::kNotFound);
  Status deleted = table.Delete(999);
  EXPECT_EQ(deleted.code(), StatusCode::kNotFound);
  EXPECT_NE(deleted.message().find("workspace 999"), std::string::npos);
  EXPECT_EQ(Count(), 1);
}

TEST_F(WorkspaceTableTest, DeleteRemovesTheWorkspaceAndItsDocuments) {
  WorkspaceTable table(db());
  auto keep = table.Create("keep", Notes());
  auto gone = table.Create("gone", Notes());
  ASSERT_TRUE(keep.ok() && gone.ok());
  ASSERT_TRUE(db().Execute("INSERT INTO documents (workspace_id, name, blob_digest, bytes, "
                           "created_at, updated_at) VALUES (" +
                           std::to_string(*gone) + ", 'a', 'sha256-x', 1, 0, 0)")
                  .ok());
  ASSERT_TRUE(table.Delete(*gone).ok());
  EXPECT_EQ(table.Get(*gone).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM documents"), 0);
  EXPECT_TRUE(table.Get(*keep).ok());
}

TEST_F(WorkspaceTableTest, IdsAreNotReusedAfterDelete) {
  WorkspaceTable table(db());
  auto first = table.Create("a", Notes());
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(table.Delete(*first).ok());
  auto second = table.Create("a", Notes());
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*first, *second);
}

}  // namespace
}  // namespace hearth
