// Every preparer step on graph text (tests/passes/pass_cases.cpp), beside the end-to-end tests.
#include "pass_cases.h"

#include <QtTest>

class TestPasses : public QObject
{
    Q_OBJECT

  private slots:
    void step_data()
    {
        QTest::addColumn<int>("index");
        const auto cases = torchprep::testing::passCases();
        for (std::size_t i = 0; i < cases.size(); ++i)
            QTest::newRow(cases[i].name.c_str()) << static_cast<int>(i);
    }

    void step()
    {
        QFETCH(int, index);
        const std::string why =
            torchprep::testing::passCases().at(static_cast<std::size_t>(index)).run();
        QVERIFY2(why.empty(), why.c_str());
    }
};

QTEST_GUILESS_MAIN(TestPasses)
#include "tst_passes.moc"
