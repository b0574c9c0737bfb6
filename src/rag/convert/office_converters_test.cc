// The zip-based converters (DOCX, ODT, PPTX, XLSX, EPUB) and the HTML
// converter: every file of the shared corpus, and hostile inputs built here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "rag/convert/html_converter.h"
#include "rag/convert/zip_container_converter.h"
#include "rag/convert/zip_test_util.h"
#include "tests/support/test_data.h"

namespace hearth {
namespace {

using testing_util::BuildZip;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string AllText(const StructuredDocument& document) {
  std::string text;
  for (const DocumentBlock& block : document.blocks) text += block.text + "\n";
  return text;
}

bool HasBlock(const StructuredDocument& document, BlockKind kind, std::string_view text,
              int32_t level = 0) {
  for (const DocumentBlock& block : document.blocks) {
    if (block.kind == kind && block.text.find(text) != std::string::npos &&
        (level == 0 || block.level == level)) {
      return true;
    }
  }
  return false;
}

StatusOr<StructuredDocument> ConvertCorpusFile(const std::filesystem::path& path) {
  std::string bytes = ReadFile(path);
  if (path.extension() == ".html" || path.extension() == ".xhtml") {
    return ConvertHtml(bytes, ConvertLimits{});
  }
  return ConvertZipContainer(bytes, ConvertLimits{});
}

#define CORPUS_DOCUMENT_OR_SKIP(var, relative)                           \
  HEARTH_TEST_DATA_FILE_OR_SKIP(var##_path, "corpus/formats/" relative); \
  StatusOr<StructuredDocument> var##_or = ConvertCorpusFile(var##_path); \
  ASSERT_TRUE(var##_or.ok()) << var##_or.status();                       \
  const StructuredDocument& var = *var##_or

// Files that are in the corpus on purpose as unconvertible or empty.
bool ExpectedToFail(const std::string& name) { return name == "unst__password_protected.xlsx"; }
// Their only content is hidden text, a formula object or pictures.
bool ExpectedEmpty(const std::string& name) {
  return name == "unst__empty.xlsx" || name == "pandoc__hiddenTextByVariable.odt" ||
         name == "pandoc__formula.odt" || name == "unst__picture.pptx" ||
         name == "pandoc__reference-moved-layouts.pptx";
}

TEST(OfficeCorpusTest, EveryFileConvertsToText) {
  std::optional<std::filesystem::path> dir = ::hearth::testing::TestDataFile("corpus/formats");
  if (!dir) GTEST_SKIP() << "corpus/formats is absent (set HEARTH_TEST_DATA to run this)";
  int converted = 0;
  for (std::string format : {"docx", "odt", "pptx", "xlsx", "epub", "html"}) {
    for (const auto& entry : std::filesystem::directory_iterator(*dir / format)) {
      std::string name = entry.path().filename().string();
      SCOPED_TRACE(name);
      StatusOr<StructuredDocument> document = ConvertCorpusFile(entry.path());
      if (ExpectedToFail(name)) {
        EXPECT_EQ(document.status().code(), StatusCode::kInvalidArgument);
        continue;
      }
      ASSERT_TRUE(document.ok()) << document.status();
      EXPECT_EQ(document->format, format);
      if (!ExpectedEmpty(name)) {
        EXPECT_FALSE(document->blocks.empty());
      }
      for (const DocumentBlock& block : document->blocks) {
        EXPECT_FALSE(block.text.empty());
        if (block.kind == BlockKind::kHeading) {
          EXPECT_TRUE(block.level >= 1 && block.level <= 6);
        }
      }
      ++converted;
    }
  }
  EXPECT_GT(converted, 60);
}

TEST(DocxConverterTest, HeadingsKeepTheirLevels) {
  CORPUS_DOCUMENT_OR_SKIP(document, "docx/pandoc__enumerated_headings.docx");
  EXPECT_TRUE(HasBlock(document, BlockKind::kHeading, "H1", 1));
  EXPECT_TRUE(HasBlock(document, BlockKind::kHeading, "H2", 2));
  EXPECT_TRUE(HasBlock(document, BlockKind::kHeading, "H3", 3));
  EXPECT_TRUE(HasBlock(document, BlockKind::kParagraph, "And some text"));
  EXPECT_EQ(document.page_count, 0);
}

TEST(DocxConverterTest, TablesBecomeRowsOfCells) {
  CORPUS_DOCUMENT_OR_SKIP(document, "docx/unst__docx-tables.docx");
  EXPECT_TRUE(HasBlock(document, BlockKind::kTable, "Header Col 1 | Header Col 2"));
  EXPECT_TRUE(HasBlock(document, BlockKind::kTable, "a | >b< | c"));
}

TEST(PptxConverterTest, SlideTitlesAreHeadingsOnTheirSlide) {
  CORPUS_DOCUMENT_OR_SKIP(document, "pptx/unst__simple.pptx");
  EXPECT_EQ(document.format, "pptx");
  EXPECT_EQ(document.page_count, 2);
  EXPECT_TRUE(HasBlock(document, BlockKind::kHeading, "Things to think about", 1));
  EXPECT_EQ(document.blocks.back().page, 2);
  ASSERT_FALSE(document.blocks.empty());
  EXPECT_EQ(document.blocks[0].kind, BlockKind::kHeading);
  EXPECT_EQ(document.blocks[0].text, "Title Slide");
  EXPECT_EQ(document.blocks[0].page, 1);
  EXPECT_TRUE(HasBlock(document, BlockKind::kParagraph, "With a subtitle"));
}

TEST(XlsxConverterTest, SheetsAreHeadingsFollowedByTables) {
  CORPUS_DOCUMENT_OR_SKIP(document, "xlsx/pandoc__basic.xlsx");
  EXPECT_TRUE(HasBlock(document, BlockKind::kHeading, "Main", 1));
  EXPECT_TRUE(HasBlock(document, BlockKind::kHeading, "Secondary", 1));
  EXPECT_TRUE(HasBlock(document, BlockKind::kTable,
                       "Person: Anton Antich | Age: 23 | Location: Switzerland"));
}

TEST(HtmlConverterTest, ScriptsAndHeadAreDropped) {
  CORPUS_DOCUMENT_OR_SKIP(document, "html/unst__example-with-scripts.html");
  EXPECT_EQ(document.title,
            "Russian Offensive Campaign Assessment, December 13 | Institute for the Study of War");
  std::string text = AllText(document);
  EXPECT_EQ(text.find("switchTo5x"), std::string::npos);
  EXPECT_EQ(text.find("stLight"), std::string::npos);
  EXPECT_TRUE(HasBlock(document, BlockKind::kHeading, "Russian Offensive Campaign Assessment"));
}

TEST(OdtConverterTest, SpacesTabsAndTablesAreKept) {
  CORPUS_DOCUMENT_OR_SKIP(tabs, "odt/pandoc__tab.odt");
  EXPECT_TRUE(HasBlock(tabs, BlockKind::kParagraph, "A\t\t\tB."));
  CORPUS_DOCUMENT_OR_SKIP(table, "odt/pandoc__tableWithSpans.odt");
  EXPECT_TRUE(HasBlock(table, BlockKind::kTable, "B1-1 | B1-2 | Rowspan 3"));
}

TEST(HtmlConverterTest, MainTextMapsOntoBlocks) {
  StatusOr<StructuredDocument> document = ConvertHtml(
      "<html><head><title> The  page </title><style>p{}</style></head><body>"
      "<nav>menu</nav><main><h2>Part</h2><p>one <b>two</b><br>three</p><ul><li>item</li></ul>"
      "<pre>code\n  kept</pre><table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr>"
      "</table><script>var hidden;</script></main><footer>foot</footer></body></html>",
      ConvertLimits{});
  ASSERT_TRUE(document.ok()) << document.status();
  EXPECT_EQ(document->title, "The page");
  ASSERT_EQ(document->blocks.size(), 5u) << AllText(*document);
  EXPECT_EQ(document->blocks[0].kind, BlockKind::kHeading);
  EXPECT_EQ(document->blocks[0].level, 2);
  EXPECT_EQ(document->blocks[1].text, "one two\nthree");
  EXPECT_EQ(document->blocks[2].text, "item");
  EXPECT_EQ(document->blocks[3].kind, BlockKind::kCode);
  EXPECT_EQ(document->blocks[3].text, "code\n  kept");
  EXPECT_EQ(document->blocks[4].kind, BlockKind::kTable);
  EXPECT_EQ(document->blocks[4].text, "a | b\n1 | 2");
}

TEST(EpubConverterTest, ChaptersFollowTheSpine) {
  CORPUS_DOCUMENT_OR_SKIP(document, "epub/unst__winter-sports.epub");
  EXPECT_EQ(document.format, "epub");
  EXPECT_EQ(document.title, "Winter Sports in Switzerland");
  EXPECT_TRUE(
      HasBlock(document, BlockKind::kHeading, "The Project Gutenberg eBook of Winter Sports"));
  EXPECT_TRUE(HasBlock(document, BlockKind::kParagraph, "Author: E. F. Benson"));
  EXPECT_GT(document.blocks.size(), 100u);
}

// Hand-written documents.

std::string DocxWith(const std::string& body_xml) {
  std::string document =
      "<?xml version=\"1.0\"?><w:document "
      "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>" +
      body_xml + "</w:body></w:document>";
  return BuildZip({{"[Content_Types].xml", "<Types/>"}, {"word/document.xml", document}});
}

TEST(DocxConverterTest, TrackedChangesKeepInsertionsAndDropDeletions) {
  std::string bytes = DocxWith(
      "<w:p><w:r><w:t xml:space=\"preserve\">kept </w:t></w:r>"
      "<w:del><w:r><w:delText>deleted</w:delText></w:r></w:del>"
      "<w:ins><w:r><w:t>inserted</w:t></w:r></w:ins><w:r><w:tab/><w:t>after</w:t></w:r></w:p>");
  StatusOr<StructuredDocument> document = ConvertZipContainer(bytes, ConvertLimits{});
  ASSERT_TRUE(document.ok()) << document.status();
  ASSERT_EQ(document->blocks.size(), 1u);
  EXPECT_EQ(document->blocks[0].text, "kept inserted\tafter");
}

TEST(DocxConverterTest, LocalizedHeadingStylesResolveThroughStyleNames) {
  std::string styles =
      "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
      "<w:style w:type=\"paragraph\" w:styleId=\"berschrift2\"><w:name w:val=\"heading 2\"/>"
      "</w:style></w:styles>";
  std::string document =
      "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
      "<w:body><w:p><w:pPr><w:pStyle w:val=\"berschrift2\"/></w:pPr><w:r><w:t>Kapitel</w:t>"
      "</w:r></w:p></w:body></w:document>";
  std::string bytes = BuildZip({{"[Content_Types].xml", "<Types/>"},
                                {"word/document.xml", document},
                                {"word/styles.xml", styles}});
  StatusOr<StructuredDocument> converted = ConvertZipContainer(bytes, ConvertLimits{});
  ASSERT_TRUE(converted.ok()) << converted.status();
  EXPECT_TRUE(HasBlock(*converted, BlockKind::kHeading, "Kapitel", 2));
}

// Hostile inputs.

// Regression (found by tests/fuzz/office_part_fuzz.cc, fuzz_odt): a package
// without its main part failed with NotFound, which callers read as "no such
// document"; the contract says InvalidArgument for a malformed file.
TEST(OfficeHostileTest, MissingRequiredPartIsInvalidArgument) {
  const std::vector<std::string> packages = {
      BuildZip({{"mimetype", "application/vnd.oasis.opendocument.text"}}),
      BuildZip({{"mimetype", "application/vnd.oasis.opendocument.text"},
                {"meta.xml", "<document-meta/>"}})};
  for (const std::string& bytes : packages) {
    StatusOr<StructuredDocument> document = ConvertZipContainer(bytes, ConvertLimits{});
    ASSERT_FALSE(document.ok());
    EXPECT_EQ(document.status().code(), StatusCode::kInvalidArgument) << document.status();
    EXPECT_NE(document.status().message().find("malformed"), std::string::npos)
        << document.status();
  }
}

TEST(OfficeHostileTest, ZipBombFailsWithTheLimitNamed) {
  // 64 MiB of spaces inside the document part compress to a few dozen KiB.
  std::string body = "<w:p><w:r><w:t>x</w:t></w:r></w:p>" + std::string(64 << 20, ' ');
  std::string bytes = DocxWith(body);
  ASSERT_LT(bytes.size(), 1u << 20);
  ConvertLimits limits;
  limits.max_entry_bytes = 4 << 20;
  StatusOr<StructuredDocument> document = ConvertZipContainer(bytes, limits);
  EXPECT_EQ(document.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(document.status().message().find("max_entry_bytes"), std::string::npos);
}

TEST(OfficeHostileTest, TooManyEntriesAreRefused) {
  std::vector<std::pair<std::string, std::string>> entries = {{"[Content_Types].xml", "<Types/>"},
                                                              {"word/document.xml", "<document/>"}};
  for (int i = 0; i < 50; ++i) entries.emplace_back("junk/" + std::to_string(i), "");
  ConvertLimits limits;
  limits.max_zip_entries = 20;
  StatusOr<StructuredDocument> document = ConvertZipContainer(BuildZip(entries), limits);
  EXPECT_EQ(document.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(document.status().message().find("max_zip_entries"), std::string::npos);
}

std::string Nested(int depth, const std::string& open, const std::string& close) {
  std::string text;
  for (int i = 0; i < depth; ++i) text += open;
  text += "deep";
  for (int i = 0; i < depth; ++i) text += close;
  return text;
}

TEST(OfficeHostileTest, XmlNestedPastTheDepthLimitIsRefused) {
  ConvertLimits limits;
  limits.max_xml_depth = 32;
  std::string bytes = DocxWith("<w:p>" + Nested(100, "<w:r>", "</w:r>") + "</w:p>");
  StatusOr<StructuredDocument> document = ConvertZipContainer(bytes, limits);
  EXPECT_EQ(document.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(document.status().message().find("max_xml_depth"), std::string::npos);
  // Deeper than libxml2's own limit: still a clear error, no crash.
  std::string deeper = DocxWith("<w:p>" + Nested(100'000, "<w:r>", "</w:r>") + "</w:p>");
  EXPECT_FALSE(ConvertZipContainer(deeper, ConvertLimits{}).ok());
}

TEST(OfficeHostileTest, HtmlNestedPastTheDepthLimitIsRefused) {
  ConvertLimits limits;
  limits.max_xml_depth = 32;
  StatusOr<StructuredDocument> document =
      ConvertHtml("<html><body>" + Nested(200, "<div>", "</div>") + "</body></html>", limits);
  EXPECT_EQ(document.status().code(), StatusCode::kResourceExhausted);
  EXPECT_FALSE(ConvertHtml(Nested(100'000, "<div>", "</div>"), ConvertLimits{}).ok());
}

TEST(OfficeHostileTest, ExternalEntitiesAreNeverLoaded) {
  std::string document =
      "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
      "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
      "<w:body><w:p><w:r><w:t>before &xxe; after</w:t></w:r></w:p></w:body></w:document>";
  std::string bytes =
      BuildZip({{"[Content_Types].xml", "<Types/>"}, {"word/document.xml", document}});
  StatusOr<StructuredDocument> converted = ConvertZipContainer(bytes, ConvertLimits{});
  ASSERT_TRUE(converted.ok()) << converted.status();
  std::string text = AllText(*converted);
  EXPECT_EQ(text.find("root:"), std::string::npos) << text;
  EXPECT_NE(text.find("before"), std::string::npos);
  EXPECT_NE(text.find("after"), std::string::npos);
  StatusOr<StructuredDocument> html =
      ConvertHtml("<!DOCTYPE html [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><p>a &xxe; b</p>",
                  ConvertLimits{});
  ASSERT_TRUE(html.ok()) << html.status();
  EXPECT_EQ(AllText(*html).find("root:"), std::string::npos);
}

TEST(OfficeHostileTest, TruncatedZipIsInvalid) {
  std::string bytes = DocxWith("<w:p><w:r><w:t>text</w:t></w:r></w:p>");
  StatusOr<StructuredDocument> document =
      ConvertZipContainer(bytes.substr(0, bytes.size() - 30), ConvertLimits{});
  EXPECT_EQ(document.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(document.status().message().find("zip"), std::string::npos);
}

TEST(OfficeHostileTest, ZipThatIsNoDocumentIsRefused) {
  StatusOr<StructuredDocument> document =
      ConvertZipContainer(BuildZip({{"photo.jpg", "not really"}}), ConvertLimits{});
  EXPECT_EQ(document.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(document.status().message().find("not a supported document"), std::string::npos);
}

TEST(OfficeHostileTest, MissingMainPartIsAClearError) {
  std::string bytes = BuildZip({{"mimetype", "application/epub+zip"}});
  StatusOr<StructuredDocument> document = ConvertZipContainer(bytes, ConvertLimits{});
  EXPECT_EQ(document.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(document.status().message().find("container.xml"), std::string::npos);
}

TEST(OfficeHostileTest, SpreadsheetIsTruncatedAtTheCellLimit) {
  std::string workbook =
      "<workbook xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
      "<sheets><sheet name=\"Data\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
  std::string rels =
      "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/>"
      "</Relationships>";
  std::string rows;
  for (int r = 1; r <= 100; ++r) {
    rows += "<row><c t=\"inlineStr\"><is><t>k" + std::to_string(r) + "</t></is></c><c><v>" +
            std::to_string(r) + "</v></c></row>";
  }
  std::string sheet = "<worksheet><sheetData>" + rows + "</sheetData></worksheet>";
  std::string bytes = BuildZip({{"[Content_Types].xml", "<Types/>"},
                                {"xl/workbook.xml", workbook},
                                {"xl/_rels/workbook.xml.rels", rels},
                                {"xl/worksheets/sheet1.xml", sheet}});
  ConvertLimits limits;
  limits.max_cells = 21;
  StatusOr<StructuredDocument> document = ConvertZipContainer(bytes, limits);
  ASSERT_TRUE(document.ok()) << document.status();
  EXPECT_TRUE(HasBlock(*document, BlockKind::kHeading, "Data", 1));
  EXPECT_TRUE(HasBlock(*document, BlockKind::kTable, "k1: k2 | 1: 2"));
  EXPECT_EQ(AllText(*document).find("k11"), std::string::npos);
  ASSERT_EQ(document->warnings.size(), 1u);
  EXPECT_NE(document->warnings[0].find("max_cells"), std::string::npos);
}

}  // namespace
}  // namespace hearth
