"""plankg.semantic.nlp: jieba initialised from its cache file (the fast way), else its own way."""
import marshal
import threading
import types

from plankg.semantic import nlp


def fake_jieba(tmp_path, *, dictionary=None, cache_file=None):
    dt = types.SimpleNamespace(initialized=False, dictionary=dictionary, cache_file=cache_file,
                               tmp_dir=str(tmp_path), lock=threading.RLock(), FREQ={}, total=0)
    return types.SimpleNamespace(dt=dt, DEFAULT_DICT=None)


def test_the_cache_file_is_read_whole(tmp_path):
    (tmp_path / "jieba.cache").write_bytes(marshal.dumps(({"托育": 5, "托": 0}, 5)))
    j = fake_jieba(tmp_path)
    nlp._load_cached_dictionary(j)
    assert j.dt.initialized and j.dt.FREQ == {"托育": 5, "托": 0} and j.dt.total == 5


def test_no_or_a_broken_cache_leaves_it_to_jieba(tmp_path):
    j = fake_jieba(tmp_path)
    nlp._load_cached_dictionary(j)
    assert not j.dt.initialized
    (tmp_path / "jieba.cache").write_bytes(b"not marshal data")
    nlp._load_cached_dictionary(j)
    assert not j.dt.initialized
    (tmp_path / "jieba.cache").write_bytes(marshal.dumps(("wrong", "shape")))
    nlp._load_cached_dictionary(j)
    assert not j.dt.initialized


def test_a_custom_dictionary_is_left_to_jieba(tmp_path):
    (tmp_path / "jieba.cache").write_bytes(marshal.dumps(({"a": 1}, 1)))
    for j in (fake_jieba(tmp_path, dictionary="/x/dict.txt"),
              fake_jieba(tmp_path, cache_file="/x/my.cache")):
        nlp._load_cached_dictionary(j)
        assert not j.dt.initialized


def test_the_real_module_segments_with_the_user_dictionary():
    j = nlp.jieba_module()
    assert j.dt.initialized and j.dt.total > 0
    assert "婴幼儿托位" in j.lcut("推进婴幼儿托位建设")  # a user-dictionary word
