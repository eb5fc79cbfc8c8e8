/**
 * What the registry knows about each named dataset: shape, class names, normalisation statistics,
 * augmentation settings, and for downloadable ones the official address and published checksum.
 */

export interface DownloadSpec {
  /** Official address. */
  url: string;
  /** File name the archive is saved under. */
  archive: string;
  /** Published checksum of the archive. */
  md5: string;
  /** Files the extracted archive must hold (checked before the dataset folder is put in place). */
  expect: string[];
}

export interface CatalogEntry {
  name: string;
  height: number;
  width: number;
  channels: number;
  classNames: string[];
  /** Per-channel mean and standard deviation of the train pixels, on the 0..1 scale. */
  mean: number[];
  std: number[];
  flip: boolean;
  cropPadding: number;
  download?: DownloadSpec;
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

/** As in batches.meta.txt of the CIFAR-10 binary archive (read from there when present). */
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** As in fine_label_names.txt of the CIFAR-100 binary archive (read from there when present). */
export const CIFAR100_FINE_CLASSES = (
  'apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus butterfly camel can castle ' +
  'caterpillar cattle chair chimpanzee clock cloud cockroach couch crab crocodile cup dinosaur dolphin elephant ' +
  'flatfish forest fox girl hamster house kangaroo keyboard lamp lawn_mower leopard lion lizard lobster man ' +
  'maple_tree motorcycle mountain mouse mushroom oak_tree orange orchid otter palm_tree pear pickup_truck pine_tree ' +
  'plain plate poppy porcupine possum rabbit raccoon ray road rocket rose sea seal shark shrew skunk skyscraper ' +
  'snail snake spider squirrel streetcar sunflower sweet_pepper table tank telephone television tiger tractor train ' +
  'trout tulip turtle wardrobe whale willow_tree wolf woman worm'
).split(' ');

/** As in coarse_label_names.txt of the CIFAR-100 binary archive. */
export const CIFAR100_COARSE_CLASSES = (
  'aquatic_mammals fish flowers food_containers fruit_and_vegetables household_electrical_devices ' +
  'household_furniture insects large_carnivores large_man-made_outdoor_things large_natural_outdoor_scenes ' +
  'large_omnivores_and_herbivores medium_mammals non-insect_invertebrates people reptiles small_mammals trees ' +
  'vehicles_1 vehicles_2'
).split(' ');

export const CATALOG: Record<string, CatalogEntry> = {
  // Statistics computed over the 60,000 train images of Debian's copy (scripts/make-embedded-fashion-mnist.ts prints them).
  'fashion-mnist': {
    name: 'fashion-mnist', height: 28, width: 28, channels: 1, classNames: FASHION_MNIST_CLASSES,
    mean: [0.286], std: [0.353], flip: false, cropPadding: 2,
  },
  mnist: {
    name: 'mnist', height: 28, width: 28, channels: 1, classNames: DIGITS,
    mean: [0.1307], std: [0.3081], flip: false, cropPadding: 2,
  },
  cifar10: {
    name: 'cifar10', height: 32, width: 32, channels: 3, classNames: CIFAR10_CLASSES,
    mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616], flip: true, cropPadding: 4,
    download: {
      url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
      archive: 'cifar-10-binary.tar.gz',
      md5: 'c32a1d4ab5d03f1284b67883e8d87530',
      expect: ['cifar-10-batches-bin/data_batch_1.bin', 'cifar-10-batches-bin/data_batch_5.bin', 'cifar-10-batches-bin/test_batch.bin'],
    },
  },
  cifar100: {
    name: 'cifar100', height: 32, width: 32, channels: 3, classNames: CIFAR100_FINE_CLASSES,
    mean: [0.5071, 0.4865, 0.4409], std: [0.2673, 0.2564, 0.2762], flip: true, cropPadding: 4,
    download: {
      url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz',
      archive: 'cifar-100-binary.tar.gz',
      md5: '03b5dce01913d631647c71ecec9e9cb8',
      expect: ['cifar-100-binary/train.bin', 'cifar-100-binary/test.bin'],
    },
  },
  'tiny-imagenet': {
    name: 'tiny-imagenet', height: 64, width: 64, channels: 3, classNames: [],
    mean: [0.4802, 0.4481, 0.3975], std: [0.277, 0.2691, 0.2821], flip: true, cropPadding: 8,
    // Stanford publishes no checksum for this archive; this MD5 is the one libraries use (e.g. avalanche's
    // TinyImagenet), matching the 248,100,043-byte zip. The CIFAR sums are published on the authors' page.
    download: {
      url: 'http://cs231n.stanford.edu/tiny-imagenet-200.zip',
      archive: 'tiny-imagenet-200.zip',
      md5: '90528d7ca1a48142e341f4ef8d21d0de',
      expect: ['tiny-imagenet-200/wnids.txt', 'tiny-imagenet-200/val/val_annotations.txt'],
    },
  },
};

export const REGISTRY_NAMES = Object.keys(CATALOG);
